using System;
using System.Linq;
using System.Reflection;
using Xunit;

namespace SmtpTls.Tests.Architecture;

/// <summary>
/// The test run prints what the suite ran against (real servers, scripted servers, unit) from each
/// test's <c>[Trait("Against", ...)]</c>; a test without one would be counted as "unclassified" and
/// the printed picture would be wrong without anyone noticing.
/// </summary>
[Trait("Against", "Unit")]
public class TestKindTests
{
    [Fact]
    public void EveryTest_SaysWhatItRunsAgainst()
    {
        var unclassified = typeof(TestKindTests).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(method => method.GetCustomAttributes<FactAttribute>(inherit: true).Any())
                .Where(method => !HasAgainst(method) && !HasAgainst(type))
                .Select(method => type.Name + "." + method.Name))
            .ToList();

        Assert.True(unclassified.Count == 0, "Tests without [Trait(\"Against\", ...)] on the method or its class: " + string.Join(", ", unclassified));
    }

    private static bool HasAgainst(MemberInfo member)
    {
        for (var current = member; current is not null; current = (current as Type)?.BaseType)
        {
            if (current.GetCustomAttributesData().Any(a => a.AttributeType == typeof(TraitAttribute) && Equals(a.ConstructorArguments[0].Value, "Against")))
            {
                return true;
            }

            if (current is not Type)
            {
                break;
            }
        }

        return false;
    }
}
