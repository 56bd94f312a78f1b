package org.opsledger.audit.internal;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Leader election through PostgreSQL for work one node at a time may do (the ledger integrator, the
 * SIEM forwarder): the
 * leader is whoever holds a session-level advisory lock, and it writes through the very connection
 * that holds it, so a node that lost its session (and with it the lock) cannot write again before
 * it wins the lock anew. Not thread-safe: one thread uses a session.
 */
public final class LeaderSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaderSession.class);

    /** What {@link #hold()} found. */
    public enum Lead {
        /** Another node holds the lock. */
        NONE,
        /** This session held it already. */
        KEPT,
        /** This session has just taken it: state kept by a previous leader must be read again. */
        TAKEN
    }

    private final DataSource dataSource;
    private final long lockKey;
    private Connection connection;
    private SingleConnectionDataSource single;
    private JdbcClient jdbc;
    private volatile boolean leader;

    public LeaderSession(DataSource dataSource, long lockKey) {
        this.dataSource = dataSource;
        this.lockKey = lockKey;
    }

    /** Keeps the lock or tries to take it, on a new connection if the old one died. */
    public Lead hold() throws SQLException {
        if (connection != null && !connection.isValid(2)) {
            release();
        }
        if (connection == null) {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            single = new SingleConnectionDataSource(connection, true);
            jdbc = JdbcClient.create(single);
        }
        if (leader) {
            return Lead.KEPT;
        }
        leader = Boolean.TRUE.equals(jdbc.sql("SELECT pg_try_advisory_lock(?)").param(lockKey).query(Boolean.class).single());
        return leader ? Lead.TAKEN : Lead.NONE;
    }

    /** The leader's connection (autocommit). */
    public JdbcClient jdbc() {
        return jdbc;
    }

    /** Transactions on the leader's connection, at this isolation level. */
    public TransactionTemplate transactions(int isolationLevel) {
        TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(single));
        transactions.setIsolationLevel(isolationLevel);
        return transactions;
    }

    public boolean isLeader() {
        return leader;
    }

    /** Unlocks (if leading) and gives the connection back; a connection that may still hold the lock is aborted. */
    public void release() {
        boolean wasLeader = leader;
        leader = false;
        if (connection == null) {
            return;
        }
        try {
            if (wasLeader && !connection.isClosed()) {
                // Session locks outlive transactions: unlock before the connection goes back to the pool.
                jdbc.sql("SELECT pg_advisory_unlock(?)").param(lockKey).query(Boolean.class).single();
            }
            connection.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("Closing a leader session: {}", e.toString());
            try {
                connection.abort(Runnable::run);
            } catch (SQLException ignored) {
                // the pool discards a broken connection
            }
        } finally {
            connection = null;
            single = null;
            jdbc = null;
        }
    }

    @Override
    public void close() {
        release();
    }
}
