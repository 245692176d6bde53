// Package testdb opens real stores for tests: the embedded SQLite database
// in a temporary directory and a private PostgreSQL database (through
// pgtest, which skips or fails as GUICHET_TEST_REQUIRE_PG says). Every store
// is closed when its test ends, and Backends lists both so that a test runs
// the same checks against each.
package testdb
