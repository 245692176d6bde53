// Package config reads Guichet's configuration (docs/configuration.md).
//
// Every setting is an environment variable GUICHET_X, the flag --x of the
// commands that take it, and the key x of the optional TOML file (the
// variable's name in lower case without the prefix). Each setting takes
// the first of: its flag, its variable, the file, its default. A flag or
// variable set to the empty string counts as unset, except --config "",
// which reads no file. The file's own path comes from --config or
// GUICHET_CONFIG, never from the file.
//
// A file value is turned into the text the variable would hold and parsed
// the same way: strings as strings; whole numbers as TOML integers or
// strings; durations as strings in Go's form ("90s", "36h"); lists as TOML
// arrays of strings or comma-separated strings. Secrets may be written in
// the file, and a flag or variable still wins over them.
//
// Only the file holds lists of tables: [[agents]], [[teams]],
// [[mailboxes]], [[alert_rules]], [[sla]] and [calendar]. `agents` is
// either those tables or, as GUICHET_AGENTS, a list of addresses.
//
// Load refuses a file with any key it does not know, at the top level or
// inside a table, and any value of the wrong type or out of range: the
// error names the file, the line and the key, one line per mistake, all of
// them at once, because a misspelt key would otherwise leave its setting
// silently at the default.
package config
