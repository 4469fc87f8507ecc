package flows

// Platform names the chat network a client talks to the bot on.
type Platform string

// The platforms Interlude speaks.
const (
	Telegram Platform = "tg"
	Discord  Platform = "dc"
	Console  Platform = "console"
)

// UserID identifies a client within one platform (a Telegram user id, a Discord user snowflake).
type UserID string

// UserKey identifies a client across platforms: the same person on Telegram and on Discord is
// two clients with separate data.
type UserKey struct {
	Platform Platform
	ID       UserID
}

// String renders the key as "platform:id", the form used in Redis hash tags and logs.
func (k UserKey) String() string { return string(k.Platform) + ":" + string(k.ID) }

// Name is the platform's full name ("telegram"), as the metrics label it.
func (p Platform) Name() string {
	switch p {
	case Telegram:
		return "telegram"
	case Discord:
		return "discord"
	}
	return string(p)
}
