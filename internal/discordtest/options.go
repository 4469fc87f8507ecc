package discordtest

import "time"

// Option configures a Server.
type Option func(*config)

type config struct {
	heartbeat    time.Duration
	botID        string
	botName      string
	appID        string
	token        string
	deadline     time.Duration
	echo         bool
	intentChecks bool
}

// WithHeartbeatInterval sets the heartbeat_interval sent in HELLO
// (default 5 s; Discord sends about 41 s). discordgo sends its first
// heartbeat right after connecting whatever the interval, and reconnects
// when no ACK came for 5 intervals.
//
// Intervals of about a second or less make discordgo v0.29 unreliable
// around Close: Close holds the session lock for one second, after which
// the old heartbeat goroutine may pick the pending tick over the closed
// channel, fail to write, and call Close again on whatever connection was
// opened meanwhile (ending that session with code 1000).
func WithHeartbeatInterval(d time.Duration) Option {
	return func(c *config) { c.heartbeat = d }
}

// WithBotUser sets the bot user's ID and name (default DefaultBotID,
// DefaultBotName). Unless WithApplicationID is given, the application ID
// follows the bot ID.
func WithBotUser(id, username string) Option {
	return func(c *config) { c.botID, c.botName = id, username }
}

// WithApplicationID sets the application ID (default: the bot user ID).
func WithApplicationID(id string) Option {
	return func(c *config) { c.appID = id }
}

// WithToken makes the fake check credentials: REST requests other than
// GET /gateway, interaction callbacks and webhooks need the header
// "Authorization: Bot <token>" (401 otherwise), and IDENTIFY/RESUME need the
// token (close code 4004 otherwise). Without it any token is accepted.
func WithToken(token string) Option {
	return func(c *config) { c.token = token }
}

// WithInteractionDeadline sets how long after Dispatch an interaction can be
// answered with its initial callback (default 3 s, Discord's limit); 0
// disables the check.
func WithInteractionDeadline(d time.Duration) Option {
	return func(c *config) { c.deadline = d }
}

// WithoutEcho stops the fake from echoing messages created over REST to the
// gateway as MESSAGE_CREATE / MESSAGE_UPDATE.
func WithoutEcho() Option {
	return func(c *config) { c.echo = false }
}

// WithoutIntentChecks makes Dispatch deliver MESSAGE_* events to every
// session regardless of the intents it identified with.
func WithoutIntentChecks() Option {
	return func(c *config) { c.intentChecks = false }
}
