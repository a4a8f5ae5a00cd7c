using System.Diagnostics.CodeAnalysis;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Steward.Core.State;

/// <summary>
/// EF Core's model of a node's SQLite file (outbound and inbound messages, the id sequence, message events, errors,
/// nodes), for the operator's queries. It maps onto the tables <see cref="Schema"/> defines; a test fails when they disagree.
/// </summary>
[RequiresUnreferencedCode(NodeQueries.NeedsEfCore), RequiresDynamicCode(NodeQueries.NeedsEfCore)]
public sealed class StewardDb(DbContextOptions<StewardDb> options) : DbContext(options)
{
    public DbSet<OutboundMessage> Outbound => Set<OutboundMessage>();
    public DbSet<InboundMessage> Inbound => Set<InboundMessage>();
    public DbSet<IdSequence> Sequences => Set<IdSequence>();
    public DbSet<MessageEvent> Events => Set<MessageEvent>();
    public DbSet<ErrorEntry> Errors => Set<ErrorEntry>();
    public DbSet<NodeEntry> Nodes => Set<NodeEntry>();

    /// <summary>SQLite keeps no time zone: every time is written in UTC and read back marked as UTC.</summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.ToUniversalTime(), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboundMessage>(e =>
        {
            e.HasKey(m => m.Id);
            e.Property(m => m.Id).ValueGeneratedNever();
            e.HasIndex(m => m.State);
            e.HasIndex(m => m.BatchId);
        });
        modelBuilder.Entity<InboundMessage>(e =>
        {
            e.HasKey(m => new { m.FromNode, m.Id });
            e.HasIndex(m => m.State);
        });
        modelBuilder.Entity<IdSequence>().HasKey(s => s.Name);
        modelBuilder.Entity<ErrorEntry>().HasKey(m => m.Seq);
        modelBuilder.Entity<NodeEntry>().HasKey(n => n.Name);
        modelBuilder.Entity<MessageEvent>(e =>
        {
            e.HasKey(m => m.Seq);
            e.HasIndex(m => new { m.MessageId, m.Seq });
        });
    }
}
