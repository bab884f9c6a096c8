"""Import of customer data from CSV, Excel and JSON Lines files."""
