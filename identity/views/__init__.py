"""Admin, account and auditor pages (server-rendered; every change goes through a service)."""
