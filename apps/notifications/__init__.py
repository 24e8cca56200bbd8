"""Notifications: robots (WeCom, DingTalk, Feishu), email, webhooks and the in-app inbox."""
