// Package classify knows the help centre's category catalogue and chooses a
// ticket's category from its subject and body.
//
// Guarantees:
//   - The catalogue is the centre's own text (centre-assistance.txt, embedded
//     byte for byte), parsed when a Catalogue is built: every group, code,
//     label and description exactly as written, in the file's order. A label
//     may appear under two groups (1.1 and 4.1, 1.8 and 3.5); codes are unique.
//   - Tag returns only codes that exist in the catalogue: the first subject tag
//     naming an existing code wins, tags naming none are skipped.
//   - Classify returns a tag's code when there is one (Source "tag",
//     Confidence 1). Otherwise it infers from French keywords (Source
//     "inferred") only when the best category is clearly ahead; when unsure it
//     returns an empty Code, never a guess.
//   - Tag and Classify are linear in the length of their input, never panic
//     (invalid UTF-8 included), and a Catalogue is immutable and safe for
//     concurrent use.
package classify
