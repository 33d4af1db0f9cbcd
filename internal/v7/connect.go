package v7

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
)

// connect is where the V7 client meets the provider: it builds the client from the provider's
// V7 connection and picks the team, in order: the type's team_slug, the provider's
// v7.team_slug, the team the API key selects.
func connect(ctx context.Context, data *providerdata.Data, typeName string, team types.String) (*Client, string, diag.Diagnostics) {
	conn, diags := data.Require(providerdata.V7, typeName)
	if diags.HasError() {
		return nil, "", diags
	}
	c := NewClient(conn.Endpoint, conn.Secret, conn.HTTP)
	slug := team.ValueString()
	if slug == "" {
		slug = conn.Settings["team_slug"]
	}
	if slug == "" {
		var err error
		if slug, err = c.TokenInfo(ctx); err != nil {
			diags.Append(diagnostics.Error("Finding the V7 team of the API key failed", err,
				"Set team_slug on the resource, or v7.team_slug (V7_TEAM_SLUG) on the provider."))
			return nil, "", diags
		}
	}
	return c, slug, diags
}
