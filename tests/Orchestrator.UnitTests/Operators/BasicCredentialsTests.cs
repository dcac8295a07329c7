using System.Text;
using Microsoft.AspNetCore.Http;
using RunnerHub.Orchestrator.Operators;

namespace RunnerHub.Orchestrator.UnitTests.Operators;

public sealed class BasicCredentialsTests
{
    [Theory]
    [InlineData("operator:s3cret", "s3cret")]
    [InlineData(":s3cret", "s3cret")]
    [InlineData("anyone:pass:with:colons", "pass:with:colons")]
    [InlineData("ünïcode:pässwörd", "pässwörd")]
    public void PasswordFrom_ReadsThePassword_WhateverTheUserName(string credentials, string password)
    {
        Assert.Equal(password, BasicCredentials.PasswordFrom(Request("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)))));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer abc")]
    [InlineData("Basic not-base64!")]
    [InlineData("Basic bm9jb2xvbg==")] // "nocolon"
    public void PasswordFrom_IsNull_WithoutWellFormedBasicCredentials(string? header)
    {
        Assert.Null(BasicCredentials.PasswordFrom(Request(header)));
    }

    private static HttpRequest Request(string? authorization)
    {
        var context = new DefaultHttpContext();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context.Request;
    }
}
