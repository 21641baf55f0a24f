using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using SmtpTls.Certificates;
using SmtpTls.Localization;
using SmtpTls.Probing;
using SmtpTls.Replies;
using Xunit;

namespace SmtpTls.Tests.Architecture;

/// <summary>
/// The build step of src/HotPath.targets: every method with a body in the engine's HotPathNamespaces (its
/// state machines and closures included) carries AggressiveOptimization, so that a fresh session does not
/// recompile the check path for thousands of checks; static constructors and every other namespace do not,
/// so that code run once or rarely (Resolve-SmtpError's knowledge, -DeepScan, -Domain) starts as fast as before.
/// The C# compiler alone never flags a MoveNext, so these tests fail when the step does not run.
/// </summary>
[Trait("Against", "Unit")]
public class HotPathOptimizationTests
{
    private static readonly Assembly Engine = typeof(SmtpTlsProbe).Assembly;

    [Fact]
    public void ProbeRun_AsyncBodies_AreOptimizedFromTheirFirstCall()
    {
        foreach (var name in new[] { "RunAsync", "StartTlsAsync", "HandshakeAsync" })
        {
            var method = typeof(ProbeRun).GetMethod(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
            Assert.NotNull(method);
            var stateMachine = method!.GetCustomAttribute<AsyncStateMachineAttribute>()?.StateMachineType;
            Assert.NotNull(stateMachine);
            var moveNext = stateMachine!.GetMethod("MoveNext", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)!;
            Assert.True(IsAggressivelyOptimized(moveNext), $"{stateMachine.FullName}.MoveNext lacks AggressiveOptimization");
        }
    }

    [Fact]
    public void CertificateReading_IsOptimizedFromItsFirstCall()
    {
        var describeLeaf = typeof(CertificateAnalyzer).GetMethod("DescribeLeaf", BindingFlags.Static | BindingFlags.NonPublic);
        var tryRead = typeof(CertificateFields).GetNestedTypes(BindingFlags.NonPublic | BindingFlags.Public)
            .Select(type => type.GetMethod("TryRead", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .SingleOrDefault(method => method is not null);

        Assert.NotNull(describeLeaf);
        Assert.NotNull(tryRead);
        Assert.True(IsAggressivelyOptimized(describeLeaf!));
        Assert.True(IsAggressivelyOptimized(tryRead!));
    }

    [Fact]
    public void ColdCode_AndStaticConstructors_KeepTieredCompilation()
    {
        var resolve = typeof(SmtpErrorResolver).GetMethod(nameof(SmtpErrorResolver.Resolve), new[] { typeof(string), typeof(System.Globalization.CultureInfo) });
        var deepScanner = Engine.GetType("SmtpTls.Probing.Deep.DeepScanner", throwOnError: true)!;
        var textsInitializer = typeof(LocalizedText).TypeInitializer;

        Assert.NotNull(resolve);
        Assert.NotNull(textsInitializer);
        Assert.False(IsAggressivelyOptimized(resolve!));
        Assert.All(DeclaredMethodsWithBodies(deepScanner), method => Assert.False(IsAggressivelyOptimized(method), method.Name));
        Assert.False(IsAggressivelyOptimized(textsInitializer!));
    }

    [Fact]
    public void EveryMethod_IsMarkedExactlyWhenItsNamespaceIsListedInTheProject()
    {
        var hotNamespaces = ReadHotPathNamespaces();
        Assert.Contains("SmtpTls.Probing", hotNamespaces);

        var wrong = new List<string>();
        foreach (var type in Engine.GetTypes())
        {
            var inHotNamespace = hotNamespaces.Contains(OutermostType(type).Namespace ?? string.Empty);
            foreach (var method in DeclaredMethodsWithBodies(type))
            {
                var shouldBeMarked = inHotNamespace && method is not ConstructorInfo { IsStatic: true };
                if (IsAggressivelyOptimized(method) != shouldBeMarked)
                {
                    wrong.Add($"{type.FullName}.{method.Name}: expected {(shouldBeMarked ? "marked" : "not marked")}");
                }
            }
        }

        Assert.True(wrong.Count == 0, "Methods whose AggressiveOptimization flag disagrees with HotPathNamespaces: " + string.Join("; ", wrong.Take(20)));
    }

    private static bool IsAggressivelyOptimized(MethodBase method) =>
        (method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) != 0;

    private static IEnumerable<MethodBase> DeclaredMethodsWithBodies(Type type)
    {
        const BindingFlags declared = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
        return type.GetMethods(declared).Cast<MethodBase>()
            .Concat(type.GetConstructors(declared))
            .Where(method => method.GetMethodBody() is not null);
    }

    private static Type OutermostType(Type type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    // The list lives once, as data in the engine's project file; the tests read it rather than repeat it.
    private static HashSet<string> ReadHotPathNamespaces()
    {
        var project = XDocument.Load(Path.Combine(EngineSourceMap.FindEngineRoot(), "SmtpTls.Engine.csproj"));
        var value = project.Descendants("HotPathNamespaces").Single().Value;
        return value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
    }
}
