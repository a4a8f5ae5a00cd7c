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

    [Theory]
    [InlineData(new[] { "/etc/hosts" }, "REQCopyFileFrom needs methodArgs [sourcePath, destinationNode, destinationPath]")]
    [InlineData(new[] { "etc/hosts", "ship2", "hosts" }, "methodArgs[0] (sourcePath) must be an absolute file path, was 'etc/hosts'")]
    [InlineData(new[] { "/etc/hosts", "ship2.>", "hosts" }, "methodArgs[1] (destinationNode) 'ship2.>' must match ^[A-Za-z0-9_-]{1,64}$")]
    [InlineData(new[] { "/etc/hosts", "ship2", "a/../../b" }, "methodArgs[2] (destinationPath) must not contain '..': 'a/../../b'")]
    [InlineData(new[] { "/etc/hosts", "ship2", "copies/" }, "methodArgs[2] (destinationPath) must name a file, not a folder: 'copies/'")]
    public void A_copys_arguments_are_checked_one_by_one_naming_the_one_to_fix(string[] args, string problem) =>
        Assert.Equal([problem], MessageValidator.Validate(new Message { ToNode = "ship1", Method = Methods.CopyFileFrom, MethodArgs = args })["methodArgs"]);

    [Theory]
    [InlineData(new[] { "1", "2", "2", "0", "3" }, "methodArgs[4] (chunk) must be a number from 0 to 1")]
    [InlineData(new[] { "1", "0", "2", "2", "3" }, "methodArgs[6] (offset) must be a number with offset + the 2 bytes of data within the size 3")]
    [InlineData(new[] { "1", "1", "2", "0", "3" }, "the last chunk must end the file: offset 0 + 2 bytes of data is not the size 3")]
    [InlineData(new[] { "0", "0", "1", "0", "2" }, "methodArgs[3] (copyId) must be a positive number")]
    public void A_chunks_place_in_its_file_is_checked_against_its_data(string[] numbers, string problem)
    {
        var sha256 = new string('a', 64);
        var chunk = new Message { ToNode = "ship2", Method = Methods.CopyFileTo, MethodArgs = ["/src", "ship2", "dst", .. numbers, sha256], Data = "hi"u8.ToArray() };

        Assert.Equal([problem], MessageValidator.Validate(chunk)["methodArgs"]);
    }

    [Fact]
    public void Subjects_are_node_method_event() =>
        Assert.Equal(("ship1.REQCliCommand.EventACK", "ship1.REQHello.EventNACK"),
            (Subjects.For("ship1", Methods.CliCommand), Subjects.For("ship1", Methods.Hello)));
}
