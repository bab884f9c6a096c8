"""Support tickets (問い合わせ)."""
