"""The dashboard (D-1): the pipeline, won and lost opportunities, and activities of a period."""
