package org.opsledger.change;

/** What the dashboard shows of change management. */
public interface ChangeOverview {

    /**
     * @param awaitingCab             changes in CAB review (IS.012 6.2.2)
     * @param scheduledNextWeek       changes scheduled to start within seven days
     * @param overdueEmergencyReviews emergency changes past their review date without review (IS.012 6.2.8)
     */
    record Summary(long awaitingCab, long scheduledNextWeek, long overdueEmergencyReviews) {
    }

    Summary summary();
}
