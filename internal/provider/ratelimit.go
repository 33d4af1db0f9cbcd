package provider

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

// rateSetting is one attribute of the rate_limit block (requests per second; 0: not paced)
// with its default and where that comes from.
type rateSetting struct {
	attr        string
	def         float64
	description string
}

// registrationRate is V7's registration, paced on top of V7 as a whole.
const registrationRate = "v7_registration"

// rateSettings are one per platform of providerdata's table (its block name, default and why),
// and V7's registration. The defaults follow each platform's published limits where
// ../shared/platforms has them, and a moderate pace where nothing is published.
func rateSettings() []rateSetting {
	var out []rateSetting
	for _, p := range providerdata.Platforms {
		if p.RateHelp == "" {
			continue
		}
		out = append(out, rateSetting{string(p.Platform), p.Rate, p.RateHelp})
		if p.Platform == providerdata.V7 {
			out = append(out, rateSetting{registrationRate, 100.0 / 60,
				"V7's item registration (`register_existing*`), on top of `v7`: V7 documents 100 requests a minute; default 1.667. " +
					"Requests are spaced at 95% of it, so that the network's jitter never puts one over V7's count."})
		}
	}
	return out
}

func rateEnv(attr string) string { return "DATAPLATFORMS_RATE_LIMIT_" + strings.ToUpper(attr) }

func rateLimitBlock() schema.SingleNestedBlock {
	attrs := map[string]schema.Attribute{}
	for _, s := range rateSettings() {
		attrs[s.attr] = schema.Float64Attribute{
			MarkdownDescription: fmt.Sprintf("Most requests per second to %s 0: no ceiling (unpaced until the platform answers 429, then adaptive). Environment variable: `%s`.", s.description, rateEnv(s.attr)),
			Optional:            true,
			Validators:          []validator.Float64{float64validator.Between(0, 10000)},
		}
	}
	return schema.SingleNestedBlock{
		MarkdownDescription: "Client-side pacing of each platform's requests, shared by every resource of the provider: Terraform's parallel " +
			"resources stay under the platform's limit instead of each one backing off on its own. A platform without a published limit " +
			"is unpaced until it answers 429; from then on, for the rest of the Terraform command, it is paced from the rate it answered " +
			"over the last second, backed off by 0.9 at each 429 and raised again along a cubic curve that probes past that rate (as the " +
			"AWS SDK's adaptive retry mode does). A rate set here (or a published limit: V7's registration, Foundry) is a ceiling: a 429 halves the pace " +
			"(down to a tenth), and each second without one raises it again by a tenth, up to the ceiling.",
		Attributes: attrs,
	}
}

// pacers builds one Pacer per platform from the block, the environment and the defaults.
func pacers(block types.Object, diags *diag.Diagnostics) map[providerdata.Platform]*transport.Pacer {
	configured := map[string]attr.Value{}
	if !block.IsNull() && !block.IsUnknown() {
		configured = block.Attributes()
	}
	rates := map[string]float64{}
	for _, s := range rateSettings() {
		rates[s.attr] = s.def
		if env := os.Getenv(rateEnv(s.attr)); env != "" {
			v, err := strconv.ParseFloat(env, 64)
			if err != nil || v < 0 || v > 10000 {
				diags.AddError("Invalid "+rateEnv(s.attr), fmt.Sprintf("It must be a number of requests per second from 0 to 10000, not %q.", env))
				continue
			}
			rates[s.attr] = v
		}
		v, _ := configured[s.attr].(types.Float64)
		switch {
		case v.IsUnknown():
			diags.AddAttributeError(path.Root("rate_limit").AtName(s.attr), "Provider setting not known until apply",
				"rate_limit."+s.attr+" depends on a value only known after apply; the provider must be configured during plan.")
		case !v.IsNull():
			rates[s.attr] = v.ValueFloat64()
		}
	}
	registration := transport.Route{Name: "registration", PerSecond: rates[registrationRate], Match: func(r *http.Request) bool {
		return strings.Contains(r.URL.Path, "/items/register_existing")
	}}
	out := map[providerdata.Platform]*transport.Pacer{}
	for _, p := range providerdata.Platforms {
		if p.RateHelp == "" {
			continue
		}
		var routes []transport.Route
		if p.Platform == providerdata.V7 {
			routes = append(routes, registration)
		}
		out[p.Platform] = transport.NewPacer(rates[string(p.Platform)], routes...)
	}
	return out
}
