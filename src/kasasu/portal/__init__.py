"""The customer portal: contacts sign in (emailed link, or the product's signed identity)
and see their own company's plan, requests, announcements and surveys."""
