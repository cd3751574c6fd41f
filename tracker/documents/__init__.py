"""Tệp đã xuất: documents too large to build while the person waits, built by the scheduler."""
