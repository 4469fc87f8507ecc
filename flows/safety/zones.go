package safety

import "strings"

// CountryForZone returns the ISO 3166-1 alpha-2 code of the country an IANA
// time zone belongs to ("Europe/Berlin" → "DE"), or "" when the zone is not
// known or spans countries ("UTC", "Etc/GMT+1"). It covers the common zones
// of Europe, North America, Australia and New Zealand and the most populous
// zones elsewhere, including old aliases such as "US/Eastern".
func CountryForZone(tz string) string {
	return zoneCountry[strings.TrimSpace(tz)]
}

// zonesByCountry lists the zone names of each country, space-separated.
var zonesByCountry = map[string]string{
	// Europe
	"GB": "Europe/London Europe/Belfast GB GB-Eire",
	"IE": "Europe/Dublin Eire",
	"GG": "Europe/Guernsey",
	"JE": "Europe/Jersey",
	"IM": "Europe/Isle_of_Man",
	"PT": "Europe/Lisbon Atlantic/Madeira Atlantic/Azores Portugal",
	"ES": "Europe/Madrid Atlantic/Canary Africa/Ceuta",
	"FR": "Europe/Paris",
	"BE": "Europe/Brussels",
	"NL": "Europe/Amsterdam",
	"LU": "Europe/Luxembourg",
	"DE": "Europe/Berlin Europe/Busingen",
	"AT": "Europe/Vienna",
	"CH": "Europe/Zurich",
	"LI": "Europe/Vaduz",
	"IT": "Europe/Rome",
	"VA": "Europe/Vatican",
	"SM": "Europe/San_Marino",
	"MT": "Europe/Malta",
	"MC": "Europe/Monaco",
	"AD": "Europe/Andorra",
	"GI": "Europe/Gibraltar",
	"DK": "Europe/Copenhagen",
	"NO": "Europe/Oslo",
	"SE": "Europe/Stockholm",
	"FI": "Europe/Helsinki",
	"AX": "Europe/Mariehamn",
	"IS": "Atlantic/Reykjavik Iceland",
	"EE": "Europe/Tallinn",
	"LV": "Europe/Riga",
	"LT": "Europe/Vilnius",
	"PL": "Europe/Warsaw Poland",
	"CZ": "Europe/Prague",
	"SK": "Europe/Bratislava",
	"HU": "Europe/Budapest",
	"SI": "Europe/Ljubljana",
	"HR": "Europe/Zagreb",
	"BA": "Europe/Sarajevo",
	"RS": "Europe/Belgrade",
	"ME": "Europe/Podgorica",
	"MK": "Europe/Skopje",
	"AL": "Europe/Tirane",
	"GR": "Europe/Athens",
	"BG": "Europe/Sofia",
	"RO": "Europe/Bucharest",
	"MD": "Europe/Chisinau",
	"UA": "Europe/Kyiv Europe/Kiev Europe/Uzhgorod Europe/Zaporozhye",
	"BY": "Europe/Minsk",
	"RU": "Europe/Moscow Europe/Kaliningrad Europe/Samara Europe/Volgograd Asia/Yekaterinburg Asia/Novosibirsk Asia/Vladivostok W-SU",
	"TR": "Europe/Istanbul Asia/Istanbul Turkey",
	"CY": "Asia/Nicosia Europe/Nicosia Asia/Famagusta",
	"GE": "Asia/Tbilisi",
	"AM": "Asia/Yerevan",
	"AZ": "Asia/Baku",
	// North America
	"US": "America/New_York America/Chicago America/Denver America/Los_Angeles America/Phoenix " +
		"America/Anchorage America/Juneau America/Adak Pacific/Honolulu America/Detroit America/Boise " +
		"America/Indiana/Indianapolis America/Indianapolis America/Kentucky/Louisville America/Louisville " +
		"America/Menominee America/North_Dakota/Center America/Sitka America/Nome America/Metlakatla " +
		"US/Eastern US/Central US/Mountain US/Pacific US/Arizona US/Alaska US/Hawaii US/Michigan " +
		"EST5EDT CST6CDT MST7MDT PST8PDT",
	"PR": "America/Puerto_Rico",
	"CA": "America/Toronto America/Vancouver America/Edmonton America/Winnipeg America/Halifax " +
		"America/St_Johns America/Regina America/Montreal America/Moncton America/Glace_Bay " +
		"America/Goose_Bay America/Whitehorse America/Yellowknife America/Iqaluit America/Dawson_Creek " +
		"America/Swift_Current America/Thunder_Bay America/Nipigon " +
		"Canada/Eastern Canada/Central Canada/Mountain Canada/Pacific Canada/Atlantic " +
		"Canada/Newfoundland Canada/Saskatchewan",
	"MX": "America/Mexico_City America/Cancun America/Monterrey America/Tijuana America/Merida America/Chihuahua",
	// South America
	"BR": "America/Sao_Paulo America/Manaus America/Fortaleza America/Recife America/Bahia America/Belem Brazil/East",
	"AR": "America/Argentina/Buenos_Aires America/Buenos_Aires America/Argentina/Cordoba",
	"CL": "America/Santiago",
	"CO": "America/Bogota",
	"PE": "America/Lima",
	"VE": "America/Caracas",
	"UY": "America/Montevideo",
	// Oceania
	"AU": "Australia/Sydney Australia/Melbourne Australia/Brisbane Australia/Perth Australia/Adelaide " +
		"Australia/Hobart Australia/Darwin Australia/Canberra Australia/ACT Australia/NSW " +
		"Australia/Victoria Australia/Queensland Australia/West Australia/South Australia/Tasmania " +
		"Australia/North Australia/Lord_Howe Australia/Broken_Hill Australia/Lindeman Australia/Eucla",
	"NZ": "Pacific/Auckland Pacific/Chatham NZ",
	// Asia
	"IN": "Asia/Kolkata Asia/Calcutta",
	"PK": "Asia/Karachi",
	"BD": "Asia/Dhaka",
	"LK": "Asia/Colombo",
	"NP": "Asia/Kathmandu",
	"CN": "Asia/Shanghai Asia/Urumqi PRC",
	"HK": "Asia/Hong_Kong Hongkong",
	"TW": "Asia/Taipei",
	"JP": "Asia/Tokyo Japan",
	"KR": "Asia/Seoul",
	"SG": "Asia/Singapore Singapore",
	"MY": "Asia/Kuala_Lumpur",
	"TH": "Asia/Bangkok",
	"VN": "Asia/Ho_Chi_Minh Asia/Saigon",
	"PH": "Asia/Manila",
	"ID": "Asia/Jakarta Asia/Makassar Asia/Jayapura",
	"AE": "Asia/Dubai",
	"SA": "Asia/Riyadh",
	"QA": "Asia/Qatar",
	"IL": "Asia/Jerusalem Asia/Tel_Aviv Israel",
	"IR": "Asia/Tehran Iran",
	// Africa
	"ZA": "Africa/Johannesburg",
	"NG": "Africa/Lagos",
	"EG": "Africa/Cairo Egypt",
	"KE": "Africa/Nairobi",
	"MA": "Africa/Casablanca",
	"GH": "Africa/Accra",
}

// zoneCountry maps zone names to countries.
var zoneCountry = func() map[string]string {
	m := make(map[string]string)
	for code, zones := range zonesByCountry {
		for _, z := range strings.Fields(zones) {
			m[z] = code
		}
	}
	return m
}()
