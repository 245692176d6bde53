package store

import (
	"strings"
)

// maxSearchWords bounds the words of a text search: each one is a condition
// of the query, and nobody types more to find a ticket.
const maxSearchWords = 8

// searchWords splits a free-text search into lower-case words.
func searchWords(text string) []string {
	words := strings.Fields(strings.ToLower(clean(text)))
	if len(words) > maxSearchWords {
		words = words[:maxSearchWords]
	}
	return words
}
