"""Polish texts and formatting: every sentence a person reads lives in this package."""
