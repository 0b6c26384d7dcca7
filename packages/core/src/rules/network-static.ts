import { formatIpv4Network, isInIpv4Subnet, parseIpv4, parseIpv4Cidr } from "../internal/ipv4.ts";
import type { ConfigRule } from "./config-rule.ts";
import { ruleError, ruleWarning } from "./rule-helpers.ts";

/**
 * Static addressing on the wired port (`network.ethernet.mode: static`) needs an address (error;
 * replaces the schema's own `required` with a clearer message) and a gateway (error), unless Wi-Fi
 * is configured and can provide the default route. A gateway outside the address's subnet cannot
 * be reached without extra routes (warning).
 */
export const networkStaticRule: ConfigRule = {
  name: "network-static",
  codes: ["NETWORK_STATIC_INCOMPLETE", "NETWORK_GATEWAY_OUTSIDE_SUBNET"],
  reads: ["/network"],
  check(config) {
    const ethernet = config.network?.ethernet;
    if (ethernet?.mode !== "static") return [];
    const { address, gateway } = ethernet;
    const issues = [];
    if (address === undefined) {
      issues.push(
        ruleError(
          "/network/ethernet/address",
          "NETWORK_STATIC_INCOMPLETE",
          'Static addressing needs an address with prefix length, such as "192.168.1.50/24".',
        ),
      );
    }
    if (gateway === undefined) {
      if (config.network?.wifi === undefined) {
        issues.push(
          ruleError(
            "/network/ethernet/gateway",
            "NETWORK_STATIC_INCOMPLETE",
            'Static addressing needs a gateway (the router\'s address, such as "192.168.1.1"), ' +
              "because no other interface provides a default route.",
          ),
        );
      }
      return issues;
    }
    const network = address === undefined ? null : parseIpv4Cidr(address);
    const gatewayAddress = parseIpv4(gateway);
    if (network !== null && gatewayAddress !== null && !isInIpv4Subnet(gatewayAddress, network)) {
      issues.push(
        ruleWarning(
          "/network/ethernet/gateway",
          "NETWORK_GATEWAY_OUTSIDE_SUBNET",
          `Gateway ${gateway} is outside ${formatIpv4Network(network)}, the subnet of ` +
            `${address ?? ""}, so it cannot be reached directly.`,
        ),
      );
    }
    return issues;
  },
};
