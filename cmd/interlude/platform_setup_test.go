package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/internal/discordtest"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/internal/telegramtest"
)

func TestDiscordIsInstallableToAClientsAccount(t *testing.T) {
	r := startDiscord(t, redistest.Start(t))
	cmds := r.dc.Commands(r.dc.AppID, "")
	if len(cmds) < 16 {
		t.Fatalf("%d slash commands registered", len(cmds))
	}
	for _, c := range cmds {
		var cmd struct {
			Name             string            `json:"name"`
			IntegrationTypes []int             `json:"integration_types"`
			Contexts         []int             `json:"contexts"`
			DescriptionLoc   map[string]string `json:"description_localizations"`
			Options          []struct {
				NameLoc        map[string]string `json:"name_localizations"`
				DescriptionLoc map[string]string `json:"description_localizations"`
			} `json:"options"`
		}
		raw, _ := json.Marshal(c)
		if err := json.Unmarshal(raw, &cmd); err != nil {
			t.Fatal(err)
		}
		// 0 guild install, 1 user install; contexts 0 server (to be sent to a DM), 1 the
		// bot's DM, never 2 (group DMs, where others would read along).
		if !slices.Equal(cmd.IntegrationTypes, []int{0, 1}) {
			t.Errorf("/%s: integration types %v, want [0 1]", cmd.Name, cmd.IntegrationTypes)
		}
		if !slices.Contains(cmd.Contexts, 1) || slices.Contains(cmd.Contexts, 2) {
			t.Errorf("/%s: contexts %v, want the bot's DM and no group DMs", cmd.Name, cmd.Contexts)
		}
		if cmd.DescriptionLoc["de"] == "" {
			t.Errorf("/%s: no German description", cmd.Name)
		}
		for _, o := range cmd.Options {
			if o.NameLoc["de"] == "" || o.DescriptionLoc["de"] == "" {
				t.Errorf("/%s: option without German name or description: %s", cmd.Name, raw)
			}
		}
	}
}

func TestDiscordNoticeOutsideTheDMIsInTheClientsLanguage(t *testing.T) {
	r := startDiscord(t, redistest.Start(t))
	const user = "400000000000000007"
	r.dc.AddGuildChannel("700", "701")
	for _, tt := range []struct {
		name, locale, channel, guild string
		context                      int
		want, notWant                string
	}{
		{"server, German client", "de", "701", "700", 0, "Bitte schick mir eine Direktnachricht.", "direct message"},
		{"server, English client", "en-GB", "701", "700", 0, "Please send me a direct message.", "Direktnachricht"},
		{"group DM of a user install", "de", "702", "", 2, "Bitte schick mir eine Direktnachricht.", "direct message"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ev, payload := discordtest.SlashCommand(discordtest.NewID(), "tok"+discordtest.NewID(), r.dc.AppID, user, tt.channel, "checkin", tt.guild, nil)
			d := payload.(map[string]any)
			d["locale"] = tt.locale
			d["context"] = tt.context
			if tt.guild == "" {
				d["channel"].(map[string]any)["type"] = 3 // a group DM
			}
			r.dc.Dispatch(ev, d)
			content := func(c discordtest.Call) string {
				data, _ := c.Body["data"].(map[string]any)
				text, _ := data["content"].(string)
				return unescape(text)
			}
			cb := r.dc.WaitFor(t, 10*time.Second, func(c discordtest.Call) bool {
				return c.Matches("POST /interactions/*/*/callback") && strings.Contains(content(c), tt.want)
			})
			if strings.Contains(content(cb), tt.notWant) {
				t.Errorf("notice in two languages: %v", cb.Body["data"])
			}
			if flags, _ := cb.Body["data"].(map[string]any)["flags"].(float64); int(flags)&64 == 0 {
				t.Errorf("not ephemeral: %v", cb.Body)
			}
			if n := len(r.dc.MessagesTo(tt.channel)); n != 0 {
				t.Errorf("%d messages posted in %s", n, tt.channel)
			}
		})
	}
	// No conversation was started: a DM now begins at the very start.
	ch := r.dc.DMChannel(user)
	r.dm(user, "/start")
	r.expect(ch, "not therapy")
}

func TestTelegramProfileBeforeStartAndPrivateMenuSetOnce(t *testing.T) {
	r := startTelegram(t)
	// What a person sees before pressing Start, in English (the default) and German.
	for lang, want := range map[string][2]string{
		"":   {"automated companion for the time between your therapy sessions", "this is not therapy"},
		"de": {"automatischer Begleiter für die Zeit zwischen deinen Therapiestunden", "keine Therapie"},
	} {
		if d := r.tg.Description(lang); !strings.Contains(d, want[0]) || !strings.Contains(d, want[1]) {
			t.Errorf("description %q: %q", lang, d)
		}
		if d := r.tg.ShortDescription(lang); d == "" || !strings.Contains(strings.ToLower(d), "therap") {
			t.Errorf("short description %q: %q", lang, d)
		}
	}
	// The menu is for private chats only, per language; none for groups.
	var scopes []string
	for _, c := range r.tg.Calls("setMyCommands") {
		scopes = append(scopes, c.Fields["language_code"]+" "+c.Fields["scope"])
	}
	slices.Sort(scopes)
	if want := []string{` {"type":"all_private_chats"}`, `de {"type":"all_private_chats"}`}; !slices.Equal(scopes, want) {
		t.Errorf("setMyCommands: %q, want %q", scopes, want)
	}

	// A restart finds everything right and changes nothing.
	before := len(r.tg.Calls())
	if err := r.proc.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	r.proc.cmd.Wait()
	r.proc = startProc(t, r.env, "run")
	r.waitReady()
	for _, c := range r.tg.Calls()[before:] {
		if strings.HasPrefix(c.Method, "setMy") || strings.HasPrefix(c.Method, "deleteMy") {
			t.Errorf("restart changed the profile: %s %v", c.Method, c.Fields)
		}
	}
}

func TestTelegramMenuForEveryChatFromAnOlderVersionIsRemoved(t *testing.T) {
	tg := telegramtest.New(t, "")
	// An older version set the menu for the default scope, which shows in groups too.
	setOld := func(lang string) {
		resp, err := http.PostForm(tg.URL+"/bot"+tg.Token+"/setMyCommands", url.Values{
			"commands": {`[{"command":"checkin","description":"Weekly check-in"}]`}, "language_code": {lang}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	setOld("")
	setOld("de")
	r := startTelegramWith(t, tg, redistest.Start(t))
	var deleted []string
	for _, c := range r.tg.Calls("deleteMyCommands") {
		deleted = append(deleted, c.Fields["language_code"]+" "+c.Fields["scope"])
	}
	slices.Sort(deleted)
	if want := []string{" ", "de "}; !slices.Equal(deleted, want) {
		t.Errorf("deleteMyCommands: %q, want %q (default scope, each language)", deleted, want)
	}
}
