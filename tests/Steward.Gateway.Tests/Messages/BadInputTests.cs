using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steward.TestSupport;

namespace Steward.Gateway.Tests.Messages;

[Collection(BrokerCollection.Name)]
public sealed class BadInputTests(NatsServerFixture broker) : GatewayTest(broker)
{

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "malformed JSON", """{"toNode":"ship1","method":""", "method" },
        { "not JSON at all", "toNode=ship1", "body" },
        { "no toNode nor toNodes", """{"method":"REQCliCommand","methodArgs":["uptime"]}""", "toNode" },
        { "unknown method", """{"toNode":"ship1","method":"REQFormatDisk"}""", "method" },
        { "node name with a dot", """{"toNode":"ship1.evil","method":"REQCliCommand","methodArgs":["uptime"]}""", "toNode" },
        { "node name with a wildcard", """{"toNode":"ship*","method":"REQCliCommand","methodArgs":["uptime"]}""", "toNode" },
        { "wildcard in toHosts", """{"toHosts":["ship1",">"],"method":"REQCliCommand","methodArgs":["uptime"]}""", "toHosts" },
        { "negative timeout", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"ACKTimeout":-5}""", "ACKTimeout" },
        { "method timeout below -1", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"methodTimeout":-2}""", "methodTimeout" },
        { "directory with ..", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"directory":"../../etc"}""", "directory" },
        // A leading / is the top of the data folder (the original's form, OriginalMessagesTests); out of it is still refused.
        { "directory out of the data folder", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"directory":"/../etc"}""", "directory" },
        { "fileName with a folder", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"fileName":"a/b.txt"}""", "fileName" },
        { "unknown field", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"colour":"red"}""", "colour" },
        { "wrong type", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"retries":"many"}""", "retries" },
        { "empty body", "", "body" },
        { "null body", "null", "body" },
        { "empty array", "[]", "body" },
        { "command without methodArgs", """{"toNode":"ship1","method":"REQCliCommand"}""", "methodArgs" },
        { "unknown reply method", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"replyMethod":"REQNope"}""", "replyMethod" },
        { "bad message inside an array", """[{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"]},{"toNode":"a b","method":"REQCliCommand","methodArgs":["uptime"]}]""", "[1].toNode" },
        { "relay node with a dot", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"relayViaNode":"central.x"}""", "relayViaNode" },
        { "HTTP GET without a URL", """{"toNode":"ship1","method":"REQHttpGet","methodArgs":["not a url"]}""", "methodArgs" },
        { "bad schedule", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"schedule":[0]}""", "schedule" },
        { "node name ending in a newline", """{"toNode":"ship1\n","method":"REQCliCommand","methodArgs":["uptime"]}""", "toNode" },
        { "a null argument", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":[null]}""", "methodArgs" },
        { "a null reply argument", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"replyMethodArgs":["x",null]}""", "replyMethodArgs" },
        { "fileName that is a dot", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"fileName":"."}""", "fileName" },
        { "path part over 255 bytes", $$"""{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"directory":"{{new string('d', 256)}}"}""", "directory" },
        { "a field given twice", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"toNode":"ship2"}""", "toNode" },
        { "isReply set by an operator", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"isReply":true}""", "isReply" },
        { "replySeq set by an operator", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"replySeq":3}""", "replySeq" },
        { "a schedule without end", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"schedule":[1,2000000000]}""", "schedule" },
        { "a schedule running too often", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"schedule":[1,86400]}""", "schedule" },
        { "a fan-out over the limit", $$"""{"toHosts":[{{string.Join(",", Enumerable.Range(0, 5001).Select(i => $"\"n{i}\""))}}],"method":"REQNone"}""", "toHosts" },
        { "retries beyond 30 days", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"retries":100000,"ACKTimeout":60}""", "retries" },
        { "reply retries beyond 30 days", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"replyRetries":100000}""", "replyRetries" },
        { "replyPart set by an operator", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"replyPart":1}""", "replyPart" },
        { "a traceParent that is not a W3C traceparent", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"traceParent":"trace-me"}""", "traceParent" },
        { "previousMessage set by an operator", """{"toNode":"ship1","method":"REQCliCommand","methodArgs":["uptime"],"previousMessage":{"id":1}}""", "previousMessage" },
        { "a copy without its destination", """{"toNode":"ship1","method":"REQCopyFileFrom","methodArgs":["/etc/hosts"]}""", "methodArgs" },
        { "a copy from a relative path", """{"toNode":"ship1","method":"REQCopyFileFrom","methodArgs":["etc/hosts","ship2","hosts"]}""", "methodArgs" },
        { "a copy to a node name with a dot", """{"toNode":"ship1","method":"REQCopyFileFrom","methodArgs":["/etc/hosts","ship2.x","hosts"]}""", "methodArgs" },
        { "a copy to a path with ..", """{"toNode":"ship1","method":"REQCopyFileFrom","methodArgs":["/etc/hosts","ship2","../../etc/passwd"]}""", "methodArgs" },
        { "a copy on a schedule", """{"toNode":"ship1","method":"REQCopyFileFrom","methodArgs":["/etc/hosts","ship2","hosts"],"schedule":[60,3600]}""", "schedule" },
        { "a chunk with a malformed sha256", """{"toNode":"ship1","method":"REQCopyFileTo","methodArgs":["/a","ship1","b","1","0","1","0","2","xyz"],"data":"aGk="}""", "methodArgs" },
        { "a chunk past the end of its file", """{"toNode":"ship1","method":"REQCopyFileTo","methodArgs":["/a","ship1","b","1","0","2","9","10","0000000000000000000000000000000000000000000000000000000000000000"],"data":"aGk="}""", "methodArgs" },
    };

    [Fact]
    public async Task A_body_that_starts_with_a_UTF8_byte_order_mark_is_accepted()
    {
        using var content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. """{"toNode":"ship1","method":"REQNone"}"""u8.ToArray()]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var response = await Client.PostAsync("/messages", content);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task More_messages_in_one_request_than_the_limit_is_a_413_problem_and_stores_none()
    {
        var node = Names.Next("ship");
        var body = "[" + string.Join(",", Enumerable.Repeat($$"""{"toNode":"{{node}}","method":"REQNone"}""", 1001)) + "]";
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        var response = await Client.PostAsync("/messages", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 1000", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await Client.GetFromJsonAsync<JsonElement>($"/messages?node={node}")).GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public void Operator_input_is_parsed_by_the_generated_JSON_context_not_by_reflection() =>
        Assert.Same(Steward.Core.Messages.StewardJson.Default, Steward.Core.Messages.StewardJson.Strict.TypeInfoResolver);

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_a_400_problem_naming_the_field(string why, string body, string field)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        var response = await Client.PostAsync("/messages", content);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.True(fields.Contains(field), $"{why}: errors named {string.Join(", ", fields)}, not {field}");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem()
    {
        var huge = new string('x', 1024 * 1024 + 1);
        using var content = new StringContent($$"""{"toNode":"ship1","method":"REQToFile","data":"{{huge}}"}""", System.Text.Encoding.UTF8, "application/json");

        var response = await Client.PostAsync("/messages", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_non_numeric_message_id_is_not_a_500()
    {
        var response = await Client.GetAsync("/messages/abc");

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"got {(int)response.StatusCode}");
    }
}
