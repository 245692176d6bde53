// Package pgtest gives tests a fresh, private PostgreSQL database.
//
// Tests that need PostgreSQL call URL(t): each gets its own database,
// created from the maintenance database (GUICHET_TEST_DATABASE_URL, default
// the local server with trust auth) and dropped when the test ends. When no
// server is reachable the test is skipped with a clear message, unless
// GUICHET_TEST_REQUIRE_PG=1, in which case it fails: CI sets it so that a
// missing database can never pass as a green run.
package pgtest
