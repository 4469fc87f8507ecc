package discord

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/interlude-bot/interlude/flows"
)

// Limits of the Discord API.
const (
	maxContent      = 2000
	maxButtonsInRow = 5
	maxRows         = 5
	maxLabel        = 80
)

func userKey(id string) flows.UserKey {
	return flows.UserKey{Platform: flows.Discord, ID: flows.UserID(id)}
}

// markdownSpecial are the characters Discord's Markdown gives a meaning; a backslash before
// any of them shows it as written.
const markdownSpecial = "\\*_~`|>#-[]()<:@."

// escape makes plain text show as written: no formatting, no links, no mentions.
func escape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for _, r := range s {
		if strings.ContainsRune(markdownSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// components renders buttons as action rows, laid out by flows.Layout within Discord's limits.
func components(buttons []flows.Button) []discordgo.MessageComponent {
	var out []discordgo.MessageComponent
	for _, row := range flows.Layout(buttons, maxButtonsInRow, maxRows) {
		var r discordgo.ActionsRow
		for _, b := range row {
			label := b.Label
			if l := []rune(label); len(l) > maxLabel {
				label = string(l[:maxLabel-1]) + "…"
			}
			r.Components = append(r.Components, discordgo.Button{Label: label, Style: discordgo.SecondaryButton, CustomID: b.ID})
		}
		out = append(out, r)
	}
	return out
}

// files converts attachments.
func files(o flows.Outbound) []*discordgo.File {
	var out []*discordgo.File
	for _, f := range []*flows.File{o.Image, o.File} {
		if f != nil {
			out = append(out, &discordgo.File{Name: f.Name, ContentType: f.MIME, Reader: bytes.NewReader(f.Data)})
		}
	}
	return out
}

// render turns one outbound message into Discord messages: the text escaped and split to fit
// (an escaped text is longer than the plain one, so the split leaves room), buttons and files
// on the last part, and no mentions ever.
func render(o flows.Outbound) []*discordgo.MessageSend {
	var out []*discordgo.MessageSend
	parts := flows.SplitText(o.Text, maxContent*2/3)
	for _, p := range parts {
		content := escape(p)
		for len(content) > 0 {
			chunk := content
			if r := []rune(chunk); len(r) > maxContent {
				chunk = string(r[:maxContent])
				if strings.HasSuffix(chunk, "\\") && !strings.HasSuffix(chunk, "\\\\") {
					chunk = string(r[:maxContent-1])
				}
			}
			out = append(out, &discordgo.MessageSend{Content: chunk, AllowedMentions: &discordgo.MessageAllowedMentions{}})
			content = content[len(chunk):]
		}
	}
	if len(out) == 0 {
		out = append(out, &discordgo.MessageSend{AllowedMentions: &discordgo.MessageAllowedMentions{}})
	}
	last := out[len(out)-1]
	last.Components = components(o.Buttons)
	last.Files = files(o)
	return out
}

// nonce derives a message nonce (at most 25 characters) from an idempotency key, so that a
// retried scheduled send cannot post twice.
func nonce(key string, part int) string {
	sum := sha256.Sum256([]byte(key + "#" + string(rune('0'+part))))
	return hex.EncodeToString(sum[:])[:25]
}
