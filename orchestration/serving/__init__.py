"""The serving copy of the marts that BI tools read (see ``publish``)."""
