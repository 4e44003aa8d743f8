"""Documents people download or read at length: report and settlement texts, workbooks, charts."""
