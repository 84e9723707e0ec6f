"""Festival names a rulebook window may refer to; their dates come from the calendar."""

FESTIVALS = ("元旦", "春节", "清明", "五一", "端午", "中秋", "国庆")
