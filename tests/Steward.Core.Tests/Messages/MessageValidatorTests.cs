using System.Text.Json;
using Steward.Core.Messages;

namespace Steward.Core.Tests.Messages;

public sealed class MessageValidatorTests
{
    private static readonly Message Valid = new() { ToNode = "ship1", Method = Methods.CliCommand, MethodArgs = ["uptime"] };

    [Fact]
    public void A_complete_message_has_no_errors() => Assert.Empty(MessageValidator.Validate(Valid));

    [Theory]
    [InlineData("ship1.>")]
    [InlineData("ship 1")]
    [InlineData("")]
    [InlineData("a-name-that-is-longer-than-sixty-four-characters-which-no-subject-token-should-be")]
    public void Node_names_that_cannot_be_subject_tokens_are_refused(string name) =>
        Assert.Contains("toNode", MessageValidator.Validate(Valid with { ToNode = name }).Keys);

    [Fact]
    public void Several_problems_are_all_named() =>
        Assert.Equal(["ACKTimeout", "directory", "retries"],
            MessageValidator.Validate(Valid with { AckTimeout = -1, Retries = -1, Directory = "a/../../b" }).Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void A_wire_message_must_say_who_sent_it() =>
        Assert.Equal(["fromNode", "id"], MessageValidator.ValidateReceived(Valid).Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void Wire_names_follow_the_original_including_ACKTimeout_and_toHosts()
    {
        var message = JsonSerializer.Deserialize("""{"toHosts":["a","b"],"ACKTimeout":7,"methodArgs":["x"],"data":"aGk="}""", StewardJson.Default.Message)!;

        Assert.Equal(["a", "b"], message.Destinations());
        Assert.Equal(7, message.AckTimeout);
        Assert.Equal("hi"u8.ToArray(), message.Data);
        Assert.Contains("\"ACKTimeout\":7", JsonSerializer.Serialize(message, StewardJson.Default.Message), StringComparison.Ordinal);
    }

    [Fact]
    public void Subjects_are_node_method_event() =>
        Assert.Equal(("ship1.REQCliCommand.EventACK", "ship1.REQHello.EventNACK"),
            (Subjects.For("ship1", Methods.CliCommand), Subjects.For("ship1", Methods.Hello)));
}
