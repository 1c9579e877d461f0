using Vsr.Engine.Models;

namespace Vsr.Engine.Tests.Models;

public sealed class OnnxModelReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_converted_model_read_back_and_written_again_is_byte_for_byte_the_same(bool halveOutput)
    {
        var bytes = OnnxGraphBuilder.Build(NcnnModelReader.Read(TestModels.ParamPath, TestModels.BinPath), halveOutput);

        Assert.Equal(bytes, OnnxModelReader.Read(bytes).Encode());
    }

    [Theory]
    [InlineData("real-x2")]
    [InlineData("denoise-x1")]
    [InlineData("deblock-x1")]
    public void A_bundled_model_read_back_and_written_again_is_byte_for_byte_the_same(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "models", name, "model.onnx"));

        Assert.Equal(bytes, OnnxModelReader.Read(bytes).Encode());
    }

    [Fact]
    public void The_reader_recovers_the_graph_the_builder_made()
    {
        var model = OnnxModelReader.Read(OnnxGraphBuilder.Build(NcnnModelReader.Read(TestModels.ParamPath, TestModels.BinPath)));

        Assert.Equal((8L, 17L, "vsr", "vsr"), (model.IrVersion, model.Opset, model.Producer, model.GraphName));
        var input = Assert.Single(model.Inputs);
        Assert.Equal("input", input.Name);
        Assert.Equal(OnnxDataType.Float, input.ElementType);
        Assert.Equal(new OnnxDimension[] { new(0, "N"), new(3), new(0, "H"), new(0, "W") }, input.Shape);
        Assert.Equal("output", Assert.Single(model.Outputs).Name);
        var conv = model.Graph.Nodes.First(n => n.OpType == "Conv");
        Assert.Equal([3L, 3L], conv.Attributes.Single(a => a.Name == "kernel_shape").Ints!);
        var weight = model.Graph.Initializers.Single(t => t.Name == conv.Inputs[1]);
        Assert.Equal(OnnxDataType.Float, weight.DataType);
        Assert.Equal(weight.ElementCount, weight.Floats!.Length);
    }

    [Fact]
    public void Every_kind_of_tensor_attribute_and_value_the_writer_knows_round_trips()
    {
        var graph = new OnnxGraph();
        graph.Constant("floats", [2], [1.5f, -2f]);
        graph.Constant("longs", [-1L, long.MaxValue]);
        graph.Constant(OnnxTensor.OfRaw("int8", [2], OnnxDataType.Int8, [0x80, 0x7F]));
        graph.Constant(OnnxTensor.OfRaw("uint8", [], OnnxDataType.Uint8, [200]));
        graph.Constant(OnnxTensor.OfRaw("int32", [1], OnnxDataType.Int32, [1, 2, 3, 4]));
        graph.Constant(OnnxTensor.OfRaw("half", [1], OnnxDataType.Float16, [0x00, 0x3C]));
        graph.Add("Op", "node", ["x", string.Empty, "floats"], "y",
            OnnxAttribute.Of("f", 0.25f), OnnxAttribute.Of("i", -3L), OnnxAttribute.Of("s", "text"), OnnxAttribute.Of("ints", 1L, -2L));
        var model = new OnnxModel
        {
            Opset = 21,
            GraphName = "all",
            Graph = graph,
            Inputs = [new OnnxValueInfo("x", OnnxDataType.Float16, [new(1), new(0, "W")])],
            Outputs = [new OnnxValueInfo("y", OnnxDataType.Float, null)],
        };

        var read = OnnxModelReader.Read(model.Encode());

        Assert.Equal(model.Encode(), read.Encode());
        Assert.Equal(21, read.Opset);
        Assert.Equal([1.5f, -2f], read.Graph.Initializers[0].Floats!);
        Assert.Equal([-1L, long.MaxValue], read.Graph.Initializers[1].Int64s!);
        Assert.Equal(
            [(OnnxDataType.Int8, new byte[] { 0x80, 0x7F }), (OnnxDataType.Uint8, [200]), (OnnxDataType.Int32, [1, 2, 3, 4]), (OnnxDataType.Float16, [0x00, 0x3C])],
            read.Graph.Initializers.Skip(2).Select(t => (t.DataType, t.Raw!)));
        var node = Assert.Single(read.Graph.Nodes);
        Assert.Equal(["x", string.Empty, "floats"], node.Inputs);
        Assert.Equal(model.Graph.Nodes[0].Attributes.Select(a => (a.Name, a.Kind, a.Int, a.Float, a.Text)), node.Attributes.Select(a => (a.Name, a.Kind, a.Int, a.Float, a.Text)));
        Assert.Equal([1L, -2L], node.Attributes[3].Ints!);
        Assert.Equal(OnnxDataType.Float16, read.Inputs[0].ElementType);
        Assert.Null(read.Outputs[0].Shape);
    }

    [Fact]
    public void Truncated_bytes_are_refused_as_invalid_data()
    {
        var bytes = OnnxGraphBuilder.Build(NcnnModelReader.Read(TestModels.ParamPath, TestModels.BinPath));

        Assert.Throws<InvalidDataException>(() => OnnxModelReader.Read(bytes.AsSpan(0, bytes.Length / 2)));
    }
}
