package classify

import "mime"

type mimeWordDecoder = mime.WordDecoder
