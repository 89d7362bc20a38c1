"""What recipients do (E-7, E-9): unsubscribes (link and RFC 8058 one-click), opens and clicks, bounces, the per-
recipient report and a contact's e-mails."""
