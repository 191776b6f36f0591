# One way to write dates in English on every page: "3 Dec 2026", "3 Dec 2026, 14:30".
# Unambiguous for readers on either side of the Atlantic; 24-hour time as in most of our users'
# countries. Templates that need a date write |date (or |date:"DATETIME_FORMAT"), never a pattern.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
TIME_FORMAT = "H:i"
