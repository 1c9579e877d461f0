using System.Buffers.Binary;
using Vsr.Engine.Models;

namespace Vsr.Engine.Tests.Models;

public sealed class NcnnModelReaderTests
{
    private const long BinSize = 1_247_368;

    [Fact]
    public void Byte_accounting_matches_the_bin_file_exactly()
    {
        var model = NcnnModelReader.Read(TestModels.ParamPath, TestModels.BinPath);

        Assert.Equal(40, model.Layers.Count);
        Assert.Equal(41, model.BlobCount);
        Assert.Equal(18, model.CountLayers("Convolution"));
        Assert.Equal(17, model.CountLayers("PReLU"));
        Assert.Equal(BinSize, model.WeightBytes);
        Assert.Equal(BinSize, new FileInfo(TestModels.BinPath).Length);
    }

    [Fact]
    public void Fp16_kernels_become_fp32_weights_with_the_declared_shapes()
    {
        var model = NcnnModelReader.Read(TestModels.ParamPath, TestModels.BinPath);

        var first = model.Layers.First(layer => layer.Type == "Convolution");
        var conv = NcnnConvolution.From(first);
        Assert.Equal((64, 3, 3, 3), (conv.OutChannels, conv.InChannels, conv.KernelHeight, conv.KernelWidth));
        Assert.Equal(1728, first.Weights[0].Length);
        Assert.Equal(64, first.Weights[1].Length);
        Assert.All(model.Layers.SelectMany(layer => layer.Weights).SelectMany(w => w), v => Assert.True(float.IsFinite(v)));
        Assert.Contains(first.Weights[0], v => v != 0f);
    }

    [Fact]
    public void A_bin_one_byte_short_is_rejected_naming_the_offset()
    {
        var bin = File.ReadAllBytes(TestModels.BinPath);

        var error = Assert.Throws<InvalidDataException>(() => NcnnModelReader.Parse(ParamText(), bin[..^1]));

        Assert.Contains("offset", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void A_bin_with_one_extra_byte_is_rejected_naming_the_offset()
    {
        var bin = File.ReadAllBytes(TestModels.BinPath).Append((byte)0).ToArray();

        var error = Assert.Throws<InvalidDataException>(() => NcnnModelReader.Parse(ParamText(), bin));

        Assert.Contains($"offset {BinSize}", error.Message);
    }

    [Fact]
    public void Int8_weights_are_rejected_as_unsupported()
    {
        var bin = File.ReadAllBytes(TestModels.BinPath);
        BinaryPrimitives.WriteUInt32LittleEndian(bin, 0x000D4B38);

        var error = Assert.Throws<InvalidDataException>(() => NcnnModelReader.Parse(ParamText(), bin));

        Assert.Contains("int8", error.Message);
        Assert.Contains("offset 0", error.Message);
    }

    [Fact]
    public void A_quantisation_table_tag_is_rejected_as_unsupported()
    {
        var bin = File.ReadAllBytes(TestModels.BinPath);
        BinaryPrimitives.WriteUInt32LittleEndian(bin, 0x12345678);

        var error = Assert.Throws<InvalidDataException>(() => NcnnModelReader.Parse(ParamText(), bin));

        Assert.Contains("quantisation table", error.Message);
    }

    [Fact]
    public void An_unknown_layer_type_is_rejected_by_name()
    {
        var param = ParamText().Replace("PixelShuffle ", "Deconvolution ");

        var error = Assert.Throws<InvalidDataException>(() => NcnnModelReader.Parse(param, File.ReadAllBytes(TestModels.BinPath)));

        Assert.Contains("Deconvolution", error.Message);
    }

    [Fact]
    public void A_param_without_the_magic_number_is_rejected()
    {
        var param = ParamText().Replace("7767517", "7767516");

        Assert.Throws<InvalidDataException>(() => NcnnModelReader.Parse(param, File.ReadAllBytes(TestModels.BinPath)));
    }

    [Fact]
    public void Array_parameters_are_read_by_their_id()
    {
        var parameters = NcnnParams.Parse(["0=64", "1=4.000000e+00", "-23303=3,1.5,2,-3"]);

        Assert.Equal(64, parameters.GetInt(0, 0));
        Assert.Equal(4f, parameters.GetFloat(1, 0f));
        Assert.Equal([1.5f, 2f, -3f], parameters.GetArray(3));
        Assert.Equal(7, parameters.GetInt(2, 7));
    }

    private static string ParamText() => File.ReadAllText(TestModels.ParamPath);
}
