package flows

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
}

// File is a generated attachment.
type File struct {
	Name string
	MIME string
	Data []byte
}
