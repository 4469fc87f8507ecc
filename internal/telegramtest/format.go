package telegramtest

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// formatText parses text in parse mode and checks its length as Telegram does. empty is the
// error for an empty text ("" if empty is allowed), long the one for a too long text.
func formatText(raw, parseMode string, limit int, empty, long string) (string, *Fault) {
	text := raw
	switch strings.ToLower(parseMode) {
	case "":
	case "html":
		plain, err := parseHTML(raw)
		if err != "" {
			return "", badRequest("can't parse entities: %s", err)
		}
		text = plain
	case "markdownv2":
		text = unescapeMarkdownV2(raw) // markup is not checked; the length is an upper bound
	case "markdown":
	default:
		return "", badRequest("unsupported parse_mode")
	}
	text = strings.TrimSpace(text)
	if text == "" && empty != "" {
		return "", badRequest("%s", empty)
	}
	if utf16Len(text) > limit {
		return "", badRequest("%s", long)
	}
	return text, nil
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func unescapeMarkdownV2(s string) string {
	var b strings.Builder
	esc := false
	for _, r := range s {
		if r == '\\' && !esc {
			esc = true
			continue
		}
		esc = false
		b.WriteRune(r)
	}
	return b.String()
}

// htmlTags are the tags Telegram's HTML parse mode supports.
var htmlTags = map[string]bool{
	"a": true, "b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true, "tg-emoji": true,
	"code": true, "pre": true, "blockquote": true,
}

// parseHTML turns Telegram-flavoured HTML into plain text, or gives the error Telegram
// reports after "can't parse entities: ". Offsets are in bytes, as Telegram's are.
func parseHTML(s string) (string, string) {
	var out strings.Builder
	var open []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '&':
			if dec, n := htmlEntity(s[i:]); n > 0 {
				out.WriteString(dec)
				i += n
				continue
			}
			out.WriteByte('&')
			i++
		case '<':
			start := i
			i++
			if i < len(s) && s[i] == '/' { // end tag
				if len(open) == 0 {
					return "", "Unexpected end tag at byte offset " + strconv.Itoa(start)
				}
				i++
				j := i
				for i < len(s) && s[i] != '>' && !isSpace(s[i]) {
					i++
				}
				name := strings.ToLower(s[j:i])
				for i < len(s) && isSpace(s[i]) {
					i++
				}
				if i >= len(s) || s[i] != '>' {
					return "", "Unclosed end tag at byte offset " + strconv.Itoa(start)
				}
				i++
				top := open[len(open)-1]
				if name != "" && name != top {
					return "", "Unmatched end tag at byte offset " + strconv.Itoa(start) +
						`, expected "</` + top + `>", found "</` + name + `>"`
				}
				open = open[:len(open)-1]
				continue
			}
			j := i
			for i < len(s) && s[i] != '>' && !isSpace(s[i]) {
				i++
			}
			if i >= len(s) {
				return "", "Unclosed start tag at byte offset " + strconv.Itoa(start)
			}
			name := strings.ToLower(s[j:i])
			if !htmlTags[name] {
				return "", `Unsupported start tag "` + name + `" at byte offset ` + strconv.Itoa(start)
			}
			attrs := i
			var quote byte
			for i < len(s) && (quote != 0 || s[i] != '>') {
				switch {
				case quote != 0 && s[i] == quote:
					quote = 0
				case quote == 0 && (s[i] == '"' || s[i] == '\''):
					quote = s[i]
				}
				i++
			}
			if i >= len(s) {
				return "", `Unclosed start tag "` + name + `" at byte offset ` + strconv.Itoa(start)
			}
			if name == "span" && !strings.Contains(s[attrs:i], "tg-spoiler") {
				return "", `Tag "span" must have class "tg-spoiler" at byte offset ` + strconv.Itoa(start)
			}
			i++
			open = append(open, name)
		default:
			out.WriteByte(s[i])
			i++
		}
	}
	if len(open) > 0 {
		return "", `Can't find end tag corresponding to start tag "` + open[len(open)-1] + `"`
	}
	return out.String(), ""
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// htmlEntity decodes the entity at the start of s: the four named ones Telegram knows and
// numeric ones. n is 0 if there is none (Telegram then keeps the '&' as it is).
func htmlEntity(s string) (string, int) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 10 {
		return "", 0
	}
	name := s[1:end]
	switch name {
	case "lt":
		return "<", end + 1
	case "gt":
		return ">", end + 1
	case "amp":
		return "&", end + 1
	case "quot":
		return `"`, end + 1
	}
	if num, ok := strings.CutPrefix(name, "#"); ok {
		base := 10
		if h, ok := strings.CutPrefix(strings.ToLower(num), "x"); ok {
			num, base = h, 16
		}
		if v, err := strconv.ParseUint(num, base, 32); err == nil && v > 0 && utf8.ValidRune(rune(v)) {
			return string(rune(v)), end + 1
		}
	}
	return "", 0
}
