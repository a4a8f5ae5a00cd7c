using System.Diagnostics.CodeAnalysis;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Steward.Core.State;

/// <summary>
/// EF Core's model of a node's SQLite file (outbound and inbound messages, the id sequence, message events, errors,
/// nodes, fan-outs, operators' labels, copies), for the operator's queries. It maps onto the tables <see cref="Schema"/> defines; a test fails when they disagree.
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
    public DbSet<NodeLabelsEntry> NodeLabels => Set<NodeLabelsEntry>();
    public DbSet<BatchEntry> Batches => Set<BatchEntry>();
    public DbSet<CopyOut> CopiesOut => Set<CopyOut>();
    public DbSet<CopyOutChunk> CopyOutChunks => Set<CopyOutChunk>();
    public DbSet<CopyIn> CopiesIn => Set<CopyIn>();
    public DbSet<CopyInChunk> CopyInChunks => Set<CopyInChunk>();

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
        modelBuilder.Entity<NodeLabelsEntry>().HasKey(n => n.Name);
        modelBuilder.Entity<BatchEntry>(e =>
        {
            e.HasKey(b => b.Id);
            e.Property(b => b.Id).ValueGeneratedNever();
            e.HasIndex(b => b.RolloutState);
        });
        modelBuilder.Entity<CopyOut>(e =>
        {
            e.HasKey(c => c.CopyId);
            e.Property(c => c.CopyId).ValueGeneratedNever();
            e.HasIndex(c => new { c.FromNode, c.MessageId }).IsUnique();
        });
        modelBuilder.Entity<CopyOutChunk>().HasKey(c => new { c.CopyId, c.Chunk });
        modelBuilder.Entity<CopyIn>().HasKey(c => new { c.FromNode, c.CopyId });
        modelBuilder.Entity<CopyInChunk>().HasKey(c => new { c.FromNode, c.CopyId, c.Chunk });
        modelBuilder.Entity<MessageEvent>(e =>
        {
            e.HasKey(m => m.Seq);
            e.HasIndex(m => new { m.MessageId, m.Seq });
        });
    }
}
