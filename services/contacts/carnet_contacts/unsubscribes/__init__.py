"""Unsubscribes from campaign e-mails (E-7): the campaigns service's ``contact_unsubscribed`` makes the contact's
``subscribed`` false."""
