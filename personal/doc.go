// Package personal holds what erasing one person's data from stored mail
// needs besides the database: the stable pseudonym that takes the place of
// an address, and the rewriting of addresses and display names inside
// texts and raw bytes kept for other people.
package personal
