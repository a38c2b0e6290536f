using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Named so that <c>typeof(Program)</c> finds this assembly from top-level statements.</summary>
public partial class Program;
