"""Pure rules and value objects: money, periods, choices. No framework imports."""
