"""The DingTalk channel: a robot of an internal enterprise app, over the Stream SDK."""
