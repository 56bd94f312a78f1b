-- IS.012 6.2.6: each person sees the change notifications sent to their address, newest first.
CREATE INDEX change_notification_recipient ON change_notification (lower(recipient), id DESC);
