"""Notifications (in-app, e-mail, webhook): see issue "Reminders and overdue alerts"."""
