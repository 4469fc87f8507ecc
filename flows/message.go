package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Inbound is one thing a client did, already converted from the platform's own types.
type Inbound struct {
	// User is who sent it.
	User UserKey
	// UpdateID identifies the platform event (Telegram update_id, Discord interaction id) so that
	// a redelivered event changes nothing. Empty when the platform never redelivers.
	UpdateID string
	// Text is what the client typed, or a command such as "/start" (without any "@botname").
	Text string
	// Button is the opaque id of a pressed button; Text is empty then.
	Button string
	// LanguageHint is the platform's language code for the client ("de", "en-GB"), if known.
	LanguageHint string
	// Edited marks a changed earlier message: it is checked for risk, and otherwise ignored.
	Edited bool
	// Caption is the text under a picture or file; it is only checked for risk.
	Caption string
}

// Outbound is one message for the client, in neutral form; adapters render it.
// Text is plain text: adapters escape it for their markup, so nothing a client wrote can
// inject formatting.
type Outbound struct {
	Text    string
	Buttons []Button
	// Image is a picture to show (a PNG), File a document to attach.
	Image *File
	File  *File
}

// Button is one choice under a message. ID is short and opaque (never anything the client
// wrote) and fits Telegram's 64-byte callback data and Discord's 100-character custom_id.
type Button struct {
	ID    string
	Label string
	// Row, when not zero, groups buttons: buttons with the same Row share one row, in order
	// (a check-in's row of answers per goal). Adapters lay out buttons without a Row themselves.
	Row int
}

// File is a generated attachment.
type File struct {
	Name string
	MIME string
	Data []byte
}

// Sender delivers messages the bot sends on its own (reminders) to a client on one platform,
// as they are given: the caller merged them already (Merge). Adapters implement it.
type Sender interface {
	Send(ctx context.Context, user UserKey, outs []Outbound) error
}

// KeyedSender is a Sender whose platform can make a send idempotent: a send repeated with the
// same key (a reminder's occurrence, Fired.Key) posts nothing new. The dispatcher checks for
// it and passes the key once, beside the messages.
type KeyedSender interface {
	Sender
	SendKeyed(ctx context.Context, user UserKey, key string, outs []Outbound) error
}

// Errors a Sender returns, so that callers can decide without knowing the platform.
var (
	// ErrBlocked means the client blocked the bot (Telegram 403, Discord 50007): nothing more
	// may be sent until they start again.
	ErrBlocked = errors.New("flows: the client blocked the bot")
)

// RateLimitedError means the platform asked to wait before sending again.
type RateLimitedError struct {
	RetryAfter time.Duration
}

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("flows: rate limited, retry after %s", e.RetryAfter)
}

// Merge joins plain text messages into the message that follows them, so that what goes out
// together is one message (one request against the platform's per-chat limit).
func Merge(outs []Outbound) []Outbound {
	var res []Outbound
	var pending []string
	for _, o := range outs {
		plain := len(o.Buttons) == 0 && o.Image == nil && o.File == nil
		if plain && o.Text != "" {
			pending = append(pending, o.Text)
			continue
		}
		if len(pending) > 0 {
			if o.Text != "" {
				pending = append(pending, o.Text)
			}
			o.Text = strings.Join(pending, "\n\n")
			pending = nil
		}
		res = append(res, o)
	}
	if len(pending) > 0 {
		res = append(res, Outbound{Text: strings.Join(pending, "\n\n")})
	}
	return res
}

// Commands are the commands every platform offers, in menu order. Each has a description
// "cmd_<name>" in the strings table.
var Commands = []string{
	"checkin", "prepare", "reflect", "goals", "history", "settings", "schedule", "session", "timezone",
	"pause", "resume", "export", "forget", "language", "crisis", "safetyplan", "help", "cancel", "start",
}

// SplitText cuts a text into parts of at most limit characters for platforms that limit the
// length of a message: at paragraph boundaries where it can, else at line ends, else at spaces;
// nothing is dropped.
func SplitText(text string, limit int) []string {
	var parts []string
	for len([]rune(text)) > limit {
		r := []rune(text)
		head := string(r[:limit])
		cut := -1
		for _, sep := range []string{"\n\n", "\n", " "} {
			if i := strings.LastIndex(head, sep); i > 0 {
				cut = len([]rune(head[:i]))
				break
			}
		}
		if cut <= 0 {
			cut = limit
		}
		parts = append(parts, strings.TrimRight(string(r[:cut]), "\n "))
		text = strings.TrimLeft(string(r[cut:]), "\n ")
	}
	if text != "" || len(parts) == 0 {
		parts = append(parts, text)
	}
	return parts
}

// Layout lays buttons out in rows, the same on every platform: buttons that carry a Row in
// their rows; otherwise short labels (a scale, up to three characters) perRow to a row and
// longer ones one to a row, or as many as it takes to stay within maxRows. A platform's limits
// (maxRows rows of perRow buttons; 0 for no limit on rows) cut off what does not fit.
func Layout(buttons []Button, perRow, maxRows int) [][]Button {
	if len(buttons) == 0 {
		return nil
	}
	if rows := Rows(buttons); rows != nil {
		if maxRows > 0 {
			rows = rows[:min(len(rows), maxRows)]
		}
		for i := range rows {
			rows[i] = rows[i][:min(len(rows[i]), perRow)]
		}
		return rows
	}
	if maxRows > 0 {
		buttons = buttons[:min(len(buttons), perRow*maxRows)]
	}
	n := perRow
	for _, b := range buttons {
		if len([]rune(b.Label)) > 3 {
			n = 1
			if maxRows > 0 {
				n = max(1, (len(buttons)+maxRows-1)/maxRows)
			}
			break
		}
	}
	var rows [][]Button
	for i := 0; i < len(buttons); i += n {
		rows = append(rows, buttons[i:min(i+n, len(buttons))])
	}
	return rows
}

// Rows groups buttons that carry a Row into their rows, in order; nil when no button has one.
func Rows(buttons []Button) [][]Button {
	if len(buttons) == 0 || buttons[0].Row == 0 {
		return nil
	}
	var rows [][]Button
	for i, b := range buttons {
		if i == 0 || b.Row != buttons[i-1].Row {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], b)
	}
	return rows
}
