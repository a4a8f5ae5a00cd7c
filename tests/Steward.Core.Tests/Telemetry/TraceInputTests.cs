using System.Text;
using Steward.Core.Messages;
using Steward.Core.Node;
using Steward.Core.Telemetry;

namespace Steward.Core.Tests.Telemetry;

/// <summary>What an operator may write about traces: a traceParent in a message, and where the node exports its spans.</summary>
public sealed class TraceInputTests
{
    private static MessageInput.Parsed Parse(string traceParent) => MessageInput.Parse(Encoding.UTF8.GetBytes(
        $$"""{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"traceParent":"{{traceParent}}"}"""), EntryPoint.NodeInput);

    [Fact]
    public void A_valid_traceParent_in_input_is_taken()
    {
        var parsed = Parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        Assert.Empty(parsed.Errors);
        Assert.Equal("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", Assert.Single(parsed.Messages).TraceParent);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    public void A_malformed_traceParent_in_input_is_an_error_naming_the_field(string traceParent)
    {
        var parsed = Parse(traceParent);

        var problem = Assert.Single(Assert.Contains("traceParent", parsed.Errors));
        Assert.Contains("W3C traceparent", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4318", "http://127.0.0.1:4318/v1/traces")]
    [InlineData("https://collector.example:4318/otlp/", "https://collector.example:4318/otlp/v1/traces")]
    [InlineData("http://127.0.0.1:4318/v1/traces", "http://127.0.0.1:4318/v1/traces")]
    public void The_OTLP_endpoint_is_the_collectors_address_and_traces_go_to_its_v1_traces(string configured, string expected) =>
        Assert.Equal(new Uri(expected), TracingSetup.TracesEndpoint(configured));

    [Theory]
    [InlineData("127.0.0.1:4318")]
    [InlineData("ftp://collector")]
    [InlineData("collector")]
    public void An_OTLP_endpoint_that_is_not_an_http_address_is_a_configuration_problem(string configured)
    {
        var options = new StewardOptions { NodeName = "central", OtlpEndpoint = configured };

        Assert.Contains(options.Problems(), p => p.StartsWith("OtlpEndpoint:", StringComparison.Ordinal) && p.Contains(configured, StringComparison.Ordinal));
    }
}
