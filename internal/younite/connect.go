package younite

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
)

// connect is where the YOUnite client meets the provider: it builds the client and picks the
// zone, the type's zone_uuid first, else the provider's younite.zone_uuid (else none: a
// single-zone token acts in its zone).
func connect(data *providerdata.Data, typeName string, zone types.String) (*Client, string, diag.Diagnostics) {
	conn, diags := data.Require(providerdata.YOUnite, typeName)
	if diags.HasError() {
		return nil, "", diags
	}
	z := zone.ValueString()
	if z == "" {
		z = conn.Settings["zone_uuid"]
	}
	c := NewClient(conn.Endpoint, conn.Secret, conn.HTTP)
	c.zoneAdaptors = func(ctx context.Context, zone string) ([]Adaptor, error) {
		v, err := conn.Once(ctx, "younite/adaptors/"+zone, func(ctx context.Context) (any, error) {
			return c.listAdaptors(ctx, zone)
		})
		adaptors, _ := v.([]Adaptor)
		return adaptors, err
	}
	return c, z, diags
}
