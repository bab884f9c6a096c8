"""The statistical models behind the lifetime-value KPIs (scipy): sBG retention and LTV."""
