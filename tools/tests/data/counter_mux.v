// counter_mux.v: the small design of tools/tests/yosys_run.sh (an 8-bit
// counter with enable and synchronous reset, and a 4-way mux that picks one of
// its nibbles or an external input), processed by yosys under `cascade run`
// and under node's WASI to compare the outputs byte for byte.
module counter (
    input clk,
    input rst,
    input en,
    output reg [7:0] count
);
  always @(posedge clk) begin
    if (rst)
      count <= 8'd0;
    else if (en)
      count <= count + 8'd1;
  end
endmodule

module mux4 (
    input [1:0] sel,
    input [3:0] a, b, c, d,
    output reg [3:0] y
);
  always @(*) begin
    case (sel)
      2'd0: y = a;
      2'd1: y = b;
      2'd2: y = c;
      default: y = d;
    endcase
  end
endmodule

module top (
    input clk,
    input rst,
    input en,
    input [1:0] sel,
    input [3:0] ext,
    output [3:0] out
);
  wire [7:0] count;
  counter u_counter (.clk(clk), .rst(rst), .en(en), .count(count));
  mux4 u_mux (.sel(sel), .a(count[3:0]), .b(count[7:4]), .c(count[3:0] ^ count[7:4]), .d(ext), .y(out));
endmodule
