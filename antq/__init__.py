"""antq: monthly ANTQ movement reports from Excel submissions to ministry indicators."""

import os

# Set before Great Expectations or Prefect are first imported (every module imports
# antq first): no telemetry from a ministry machine, and our loggers shown in Prefect.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "antq")

__version__ = "0.1.0"
