"""Documents the bot hands out (XLSX for offices)."""
