package provider

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

// rateLimitModel is the rate_limit block: requests per second per platform (0: not paced).
type rateLimitModel struct {
	V7             types.Float64 `tfsdk:"v7"`
	V7Registration types.Float64 `tfsdk:"v7_registration"`
	CodeOcean      types.Float64 `tfsdk:"codeocean"`
	DANDI          types.Float64 `tfsdk:"dandi"`
	YOUnite        types.Float64 `tfsdk:"younite"`
	Foundry        types.Float64 `tfsdk:"foundry"`
}

// rateSetting is one attribute of the rate_limit block with its default and where it comes from.
type rateSetting struct {
	attr        string
	def         float64
	description string
	get         func(*rateLimitModel) types.Float64
}

// The defaults follow each platform's published limits where ../shared/platforms has them, and
// a moderate pace where nothing is published.
var rateSettings = []rateSetting{
	{"v7", 10, "V7 Darwin as a whole. V7 publishes no API-wide figure; default 10.", func(m *rateLimitModel) types.Float64 { return m.V7 }},
	{"v7_registration", 100.0 / 60, "V7's item registration (`register_existing*`), on top of `v7`: V7 documents 100 requests a minute; default 1.667.",
		func(m *rateLimitModel) types.Float64 { return m.V7Registration }},
	{"codeocean", 10, "Code Ocean. It publishes no limit (only that it answers 429); default 10.", func(m *rateLimitModel) types.Float64 { return m.CodeOcean }},
	{"dandi", 8, "DANDI Archive. Its production settings define 500 requests a minute for anonymous users; default 8.",
		func(m *rateLimitModel) types.Float64 { return m.DANDI }},
	{"younite", 10, "YOUnite. It publishes no limit; default 10.", func(m *rateLimitModel) types.Float64 { return m.YOUnite }},
	{"foundry", 80, "Palantir Foundry. It documents 5,000 requests a minute for a user (service users: none); default 80.",
		func(m *rateLimitModel) types.Float64 { return m.Foundry }},
}

func rateEnv(attr string) string { return "DATAPLATFORMS_RATE_LIMIT_" + strings.ToUpper(attr) }

func rateLimitBlock() schema.SingleNestedBlock {
	attrs := map[string]schema.Attribute{}
	for _, s := range rateSettings {
		attrs[s.attr] = schema.Float64Attribute{
			MarkdownDescription: fmt.Sprintf("Requests per second to %s 0 turns the pacing off. Environment variable: `%s`.", s.description, rateEnv(s.attr)),
			Optional:            true,
			Validators:          []validator.Float64{float64validator.Between(0, 10000)},
		}
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: "Client-side pacing of each platform's requests, shared by every resource of the provider: Terraform's parallel " +
			"resources stay under the platform's limit instead of each one backing off on its own. A 429 halves the pace (down to a " +
			"tenth), and each second without one raises it again by a tenth, up to the configured rate.",
		Attributes: attrs,
	}
}

// pacers builds one Pacer per platform from the block, the environment and the defaults.
func pacers(m *rateLimitModel, diags *diag.Diagnostics) map[providerdata.Platform]*transport.Pacer {
	rates := map[string]float64{}
	for _, s := range rateSettings {
		rates[s.attr] = s.def
		if env := os.Getenv(rateEnv(s.attr)); env != "" {
			v, err := strconv.ParseFloat(env, 64)
			if err != nil || v < 0 || v > 10000 {
				diags.AddError("Invalid "+rateEnv(s.attr), fmt.Sprintf("It must be a number of requests per second from 0 to 10000, not %q.", env))
				continue
			}
			rates[s.attr] = v
		}
		if m == nil {
			continue
		}
		switch v := s.get(m); {
		case v.IsUnknown():
			diags.AddAttributeError(path.Root("rate_limit").AtName(s.attr), "Provider setting not known until apply",
				"rate_limit."+s.attr+" depends on a value only known after apply; the provider must be configured during plan.")
		case !v.IsNull():
			rates[s.attr] = v.ValueFloat64()
		}
	}
	registration := transport.Route{Name: "registration", PerSecond: rates["v7_registration"], Match: func(r *http.Request) bool {
		return strings.Contains(r.URL.Path, "/items/register_existing")
	}}
	return map[providerdata.Platform]*transport.Pacer{
		providerdata.V7:        transport.NewPacer(rates["v7"], registration),
		providerdata.CodeOcean: transport.NewPacer(rates["codeocean"]),
		providerdata.DANDI:     transport.NewPacer(rates["dandi"]),
		providerdata.YOUnite:   transport.NewPacer(rates["younite"]),
		providerdata.Foundry:   transport.NewPacer(rates["foundry"]),
	}
}
